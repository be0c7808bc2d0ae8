using System.Linq.Expressions;
using System.Reflection;

namespace Circul.Actors.Runtime;

/// <summary>Turns a proxy call of one interface method into a queued turn; built once per method.</summary>
internal abstract class GrainMethodInvoker
{
    public abstract Task Invoke(GrainProxy proxy, object?[]? arguments);

    public static GrainMethodInvoker Create(MethodInfo method)
    {
        var returnType = method.ReturnType;
        var call = Compile(method);
        if (returnType == typeof(Task))
        {
            return new TaskMethodInvoker(call);
        }

        var resultType = returnType.GetGenericArguments()[0];
        return (GrainMethodInvoker)Activator.CreateInstance(typeof(TaskMethodInvoker<>).MakeGenericType(resultType), call)!;
    }

    public static void Validate(MethodInfo method)
    {
        var returnType = method.ReturnType;
        var returnsTask = returnType == typeof(Task)
            || (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>));
        if (!returnsTask)
        {
            throw new NotSupportedException(
                $"Grain method {method.DeclaringType?.Name}.{method.Name} must return Task or Task<T>, not {returnType.Name}.");
        }

        foreach (var parameter in method.GetParameters())
        {
            if (parameter.ParameterType.IsByRef)
            {
                throw new NotSupportedException(
                    $"Grain method {method.DeclaringType?.Name}.{method.Name} has a ref/out/in parameter '{parameter.Name}'.");
            }
        }
    }

    // (object grain, object?[] args) => (Task)((TInterface)grain).Method((T0)args[0], ...): a compiled call,
    // so exceptions reach the caller unwrapped and nothing is looked up per call.
    private static Func<object, object?[]?, Task> Compile(MethodInfo method)
    {
        Validate(method);
        var grain = Expression.Parameter(typeof(object), "grain");
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var parameters = method.GetParameters();
        var values = new Expression[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            values[i] = Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), parameters[i].ParameterType);
        }

        var target = Expression.Convert(grain, method.DeclaringType!);
        var body = Expression.Convert(Expression.Call(target, method, values), typeof(Task));
        return Expression.Lambda<Func<object, object?[]?, Task>>(body, grain, arguments).Compile();
    }
}
