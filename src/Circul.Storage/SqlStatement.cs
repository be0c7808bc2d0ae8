namespace Circul.Storage;

/// <summary>A parameterised statement, built once and bound either to a (reused, prepared) command or to a
/// command of a <see cref="System.Data.Common.DbBatch"/>.</summary>
internal sealed record SqlStatement(string Sql, SqlArg[] Args);
