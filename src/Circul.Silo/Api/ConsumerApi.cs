using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Webhooks;
using Circul.Silo.Infrastructure;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Api;

/// <summary>The consumer API of webhook bots (API section 11, the seed's "Create Bot"): authenticated by an API key in
/// the <c>auth</c> header or the <c>?auth=</c> query, answering <c>{ "success": …, … }</c> bodies in camelCase.</summary>
public static class ConsumerApi
{
    public const string Prefix = "/consumer/api/v2";
    private const string OwnerItem = "circul.consumer.owner";

    public static RouteGroupBuilder MapConsumerApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).AddEndpointFilter(AuthenticateAsync);
        group.MapPost("/bot", CreateAsync);
        group.MapGet("/bots", ListAsync);
        group.MapGet("/bot/{id}", GetAsync);
        group.MapPatch("/bot/{id}", UpdateAsync);
        group.MapDelete("/bot/{id}", DeleteAsync);
        group.MapPost("/bot/{id}/rooms/{roomId}", AddRoomAsync);
        group.MapDelete("/bot/{id}/rooms/{roomId}", RemoveRoomAsync);
        group.MapGet("/bot/{id}/deliveries", ListDeliveriesAsync);
        app.Map(Prefix + "/{**rest}", () => Failure(404, "not found"));
        return group;
    }

    public static async Task<IResult> CreateAsync(HttpContext context, WebhookBotService bots, IOptions<LimitsOptions> limits)
    {
        using var body = await ReadBodyAsync(context, limits.Value.MaxBodyBytes);
        return Ok(new { success = true, bot = await bots.CreateAsync(Owner(context), body.RootElement) });
    }

    public static async Task<IResult> ListAsync(HttpContext context, WebhookBotService bots) =>
        Ok(new { success = true, bots = await bots.ListAsync(Owner(context)) });

    public static async Task<IResult> GetAsync(HttpContext context, string id, WebhookBotService bots) =>
        Ok(new { success = true, bot = await bots.GetAsync(Owner(context), id) });

    public static async Task<IResult> UpdateAsync(HttpContext context, string id, WebhookBotService bots, IOptions<LimitsOptions> limits)
    {
        using var body = await ReadBodyAsync(context, limits.Value.MaxBodyBytes);
        return Ok(new { success = true, bot = await bots.UpdateAsync(Owner(context), id, body.RootElement) });
    }

    public static async Task<IResult> DeleteAsync(HttpContext context, string id, WebhookBotService bots)
    {
        await bots.DeleteAsync(Owner(context), id);
        return Ok(new { success = true });
    }

    public static async Task<IResult> AddRoomAsync(HttpContext context, string id, string roomId, WebhookBotService bots) =>
        Ok(new { success = true, bot = await bots.AddRoomAsync(Owner(context), id, roomId) });

    public static async Task<IResult> RemoveRoomAsync(HttpContext context, string id, string roomId, WebhookBotService bots) =>
        Ok(new { success = true, bot = await bots.RemoveRoomAsync(Owner(context), id, roomId) });

    public static async Task<IResult> ListDeliveriesAsync(HttpContext context, string id, WebhookBotService bots)
    {
        if (!MessageRequests.TryReadLimit(context.Request.Query, WebhookBotService.MaxDeliveriesListed, out var limit))
        {
            throw ConsumerApiException.Invalid($"limit must be an integer from 1 to {WebhookBotService.MaxDeliveriesListed}");
        }

        return Ok(new { success = true, deliveries = await bots.ListDeliveriesAsync(Owner(context), id, limit) });
    }

    /// <summary>The key (header <c>auth</c>, else query <c>auth</c>) must belong to a user: 401 otherwise. Maps the
    /// consumer API's failures (and grain failures under 500) to its own body shape.</summary>
    private static async ValueTask<object?> AuthenticateAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var key = context.Request.Headers["auth"].FirstOrDefault() ?? context.Request.Query["auth"].FirstOrDefault();
        var owner = await context.RequestServices.GetRequiredService<ApiKeyService>().AuthenticateAsync(key, context.RequestAborted);
        if (owner is null)
        {
            return Failure(401, "unauthorized");
        }

        context.Items[OwnerItem] = owner;
        try
        {
            return await next(invocation);
        }
        catch (ConsumerApiException e)
        {
            return e.Error is null ? Failure(e.StatusCode, e.Message) : Failure(e.StatusCode, e.Message, e.Error);
        }
        catch (ApiException e) when (e.StatusCode is 400 or 413)
        {
            return Failure(e.StatusCode, "invalid request", e.Message);
        }
        catch (ApiException e) when (e.StatusCode < 500)
        {
            return Failure(e.StatusCode, e.Message);
        }
    }

    private static string Owner(HttpContext context) => (string)context.Items[OwnerItem]!;

    private static IResult Ok(object body) => Results.Json(body, ConsumerJson, statusCode: 200);

    private static IResult Failure(int status, string message) =>
        Results.Json(new { success = false, message }, ConsumerJson, statusCode: status);

    private static IResult Failure(int status, string message, string error) =>
        Results.Json(new { success = false, message, error }, ConsumerJson, statusCode: status);

    /// <summary>camelCase (the seed's names); the DTOs name their own properties.</summary>
    private static readonly JsonSerializerOptions ConsumerJson = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new UtcTimestampConverter());
        options.Converters.Add(new NullableUtcTimestampConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static async Task<JsonDocument> ReadBodyAsync(HttpContext context, long maxBytes)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            throw new ConsumerApiException(413, "invalid request", $"request body is larger than {maxBytes} bytes");
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var read = await context.Request.Body.ReadAsync(buffer.GetMemory(8192), context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                throw new ConsumerApiException(413, "invalid request", $"request body is larger than {maxBytes} bytes");
            }
        }

        if (!Utf8.IsValid(buffer.WrittenSpan))
        {
            throw ConsumerApiException.Invalid("body must be valid UTF-8");
        }

        try
        {
            return JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            throw ConsumerApiException.Invalid("body must be valid JSON");
        }
    }
}
