namespace Circul.Storage;

/// <summary>A numbered schema script (embedded resource <c>Migrations/&lt;Dialect&gt;/NNNN_name.sql</c>).</summary>
internal sealed record MigrationScript(int Version, string Name, string Sql);
