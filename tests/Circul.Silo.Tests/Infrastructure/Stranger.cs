using System.Net;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>
/// A bot nobody else can see. <see cref="MarkerAsync"/> makes its owner post in their DM so that a test can
/// prove "nothing arrived before the marker" without sleeping.
/// </summary>
public sealed record Stranger(BotClient Owner, BotClient Bot, string DmId)
{
    public async Task<string> MarkerAsync()
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        var response = await Owner.PostAsync($"/api/conversations/{DmId}/messages", new { text = marker });
        response.Expect(HttpStatusCode.Created);
        return marker;
    }
}
