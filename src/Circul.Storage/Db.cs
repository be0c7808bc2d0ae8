using System.Data;
using System.Data.Common;
using System.Text.Json;

namespace Circul.Storage;

/// <summary>Small ADO.NET helpers shared by every store (both dialects).</summary>
internal static class Db
{
    public static DbCommand CreateCommand(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static void Add(this DbCommand command, string name, object? value, DbType type)
    {
        var parameter = command.CreateParameter();
        Bind(parameter, new SqlArg(name, value, type));
        command.Parameters.Add(parameter);
    }

    public static void Add(this DbCommand command, SqlArg arg)
    {
        var parameter = command.CreateParameter();
        Bind(parameter, arg);
        command.Parameters.Add(parameter);
    }

    public static void Bind(DbParameter parameter, SqlArg arg)
    {
        parameter.ParameterName = arg.Name;
        parameter.DbType = arg.Type;
        parameter.Value = arg.Value ?? DBNull.Value;
    }

    public static void AddText(this DbCommand command, string name, string? value) => command.Add(name, value, DbType.String);

    public static void AddInt64(this DbCommand command, string name, long value) => command.Add(name, value, DbType.Int64);

    public static void AddInt32(this DbCommand command, string name, int value) => command.Add(name, value, DbType.Int32);

    public static void AddBool(this DbCommand command, string name, bool value) => command.Add(name, value, DbType.Boolean);

    public static void AddBytes(this DbCommand command, string name, byte[] value) => command.Add(name, value, DbType.Binary);

    public static void AddTimestamp(this DbCommand command, SqlDialect dialect, string name, DateTimeOffset? value) =>
        command.Add(Timestamp(dialect, name, value));

    public static SqlArg Timestamp(SqlDialect dialect, string name, DateTimeOffset? value)
    {
        if (value is null)
        {
            // The type a null timestamp is sent as must still match the column's.
            return new SqlArg(name, null, dialect.ToDbTimestamp(DateTimeOffset.UnixEpoch).Type);
        }

        var (dbValue, type) = dialect.ToDbTimestamp(value.Value);
        return new SqlArg(name, dbValue, type);
    }

    public static string? GetNullableString(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>The first column of every row, as strings.</summary>
    public static async Task<IReadOnlyList<string>> ReadStringsAsync(this DbCommand command, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    public static string ToJson(IReadOnlyList<string> values) => JsonSerializer.Serialize(values);

    public static IReadOnlyList<string> FromJsonList(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];
}
