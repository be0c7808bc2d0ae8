namespace Circul.Silo.Infrastructure;

/// <summary>Bound from <c>Circul:Limits</c>.</summary>
public sealed class LimitsOptions
{
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    public long MaxUploadBodyBytes { get; set; } = 8 * 1024 * 1024;

    public int MaxImageBytes { get; set; } = 2 * 1024 * 1024;

    public int MaxTextLength { get; set; } = 4000;

    public int MaxMentions { get; set; } = 50;
}
