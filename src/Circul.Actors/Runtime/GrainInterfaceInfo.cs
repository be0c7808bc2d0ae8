using System.Collections.Concurrent;
using System.Reflection;

namespace Circul.Actors.Runtime;

/// <summary>A grain interface: the class implementing it and one cached invoker per method.</summary>
internal sealed class GrainInterfaceInfo
{
    private readonly ConcurrentDictionary<MethodInfo, GrainMethodInvoker> _invokers = new();

    public GrainInterfaceInfo(Type interfaceType, GrainClassInfo grainClass, ActorRuntime runtime)
    {
        InterfaceType = interfaceType;
        Class = grainClass;
        Runtime = runtime;
        foreach (var type in interfaceType.GetInterfaces().Append(interfaceType))
        {
            foreach (var method in type.GetMethods())
            {
                GrainMethodInvoker.Validate(method);
            }
        }
    }

    public Type InterfaceType { get; }

    public GrainClassInfo Class { get; }

    public ActorRuntime Runtime { get; }

    public GrainMethodInvoker GetInvoker(MethodInfo method) =>
        _invokers.TryGetValue(method, out var invoker)
            ? invoker
            : _invokers.GetOrAdd(method, static m => GrainMethodInvoker.Create(m));
}
