namespace Circul.Silo.Tests.Webhooks;

/// <summary>One request a <see cref="WebhookReceiver"/> got: its body bytes and headers, and its number (1-based).</summary>
public sealed record ReceivedWebhook(int Number, string Path, byte[] Body, IReadOnlyDictionary<string, string> Headers, DateTimeOffset At)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public string Header(string name) =>
        Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : throw new Xunit.Sdk.XunitException($"no {name} header in {string.Join(", ", Headers.Keys)}");
}
