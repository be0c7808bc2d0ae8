using System.Data;

namespace Circul.Storage;

/// <summary>One parameter of a statement, independent of the command it will be bound to.</summary>
internal readonly record struct SqlArg(string Name, object? Value, DbType Type);
