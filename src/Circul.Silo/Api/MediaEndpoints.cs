using Circul.Silo.Infrastructure;
using Circul.Storage;
using Microsoft.Net.Http.Headers;

namespace Circul.Silo.Api;

/// <summary>Serves stored avatars and banners: immutable content under content-derived names.</summary>
public static class MediaEndpoints
{
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/avatars/{file}", ServeAsync);
        app.MapGet("/banners/{file}", ServeAsync);
        return app;
    }

    public static async Task ServeAsync(HttpContext context, string file, IMediaStore media)
    {
        var record = await media.GetAsync(file, context.RequestAborted);
        if (record is null)
        {
            await ApiErrors.WriteAsync(context, 404, "image not found");
            return;
        }

        var etag = $"\"{record.FileName}\"";
        var headers = context.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = "public, max-age=31536000, immutable";
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && (v.Contains(etag, StringComparison.Ordinal) || v == "*")))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = record.Mime;
        context.Response.ContentLength = record.Data.Length;
        await context.Response.Body.WriteAsync(record.Data, context.RequestAborted);
    }
}
