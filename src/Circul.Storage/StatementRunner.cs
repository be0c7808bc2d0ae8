using System.Data.Common;

namespace Circul.Storage;

/// <summary>Executes a list of statements inside a transaction: as one <see cref="DbBatch"/> (one round trip)
/// where the provider supports it (Npgsql), otherwise one prepared command per distinct SQL text, re-bound and
/// re-executed for every statement using it (Microsoft.Data.Sqlite: in-process, no round trips to save).</summary>
internal static class StatementRunner
{
    public static async Task RunAsync(DbConnection connection, DbTransaction transaction, List<SqlStatement> statements, bool allowDbBatch = true)
    {
        if (statements.Count == 0)
        {
            return;
        }

        if (allowDbBatch && connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var statement in statements)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = statement.Sql;
                foreach (var arg in statement.Args)
                {
                    var parameter = command.CreateParameter();
                    Db.Bind(parameter, arg);
                    command.Parameters.Add(parameter);
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
            return;
        }

        var commands = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        try
        {
            foreach (var statement in statements)
            {
                if (commands.TryGetValue(statement.Sql, out var command))
                {
                    // Same SQL text, so the same parameters in the same order (see WriteOpStatements).
                    for (var i = 0; i < statement.Args.Length; i++)
                    {
                        Db.Bind(command.Parameters[i], statement.Args[i]);
                    }
                }
                else
                {
                    command = connection.CreateCommand(statement.Sql, transaction);
                    foreach (var arg in statement.Args)
                    {
                        command.Add(arg);
                    }

                    await command.PrepareAsync().ConfigureAwait(false);
                    commands[statement.Sql] = command;
                }

                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var command in commands.Values)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
