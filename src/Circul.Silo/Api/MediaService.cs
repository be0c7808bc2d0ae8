using System.Security.Cryptography;
using Orleans;
using Circul.Grains;
using Circul.Grains.Users;
using Circul.Silo.Infrastructure;
using Circul.Storage;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Api;

/// <summary>Avatar and banner uploads: base64 in JSON, the declared type checked against the bytes' magic numbers,
/// stored in the database under a content-derived name (a new upload gets a new URL, so caches never go stale).</summary>
public sealed class MediaService(IMediaStore media, IOptions<LimitsOptions> limits, TimeProvider time)
{
    private static readonly Dictionary<string, string> Extensions = new(StringComparer.Ordinal)
    {
        ["image/png"] = "png",
        ["image/jpeg"] = "jpg",
        ["image/gif"] = "gif",
        ["image/webp"] = "webp",
    };

    public async Task<IResult> UploadAsync(HttpContext context, IGrainFactory grains, ImageKind kind)
    {
        var caller = Caller.Get(context);
        var options = limits.Value;
        using var body = await JsonBody.ReadAsync(context, options.MaxUploadBodyBytes);
        var mime = body.RequireString("mime", 1, 32);
        if (!Extensions.TryGetValue(mime, out var extension))
        {
            throw ApiException.BadRequest("mime must be one of image/png, image/jpeg, image/gif, image/webp");
        }

        var data = body.RequireString("data", 1, int.MaxValue);
        var commaAt = data.StartsWith("data:", StringComparison.Ordinal) ? data.IndexOf(',') : -1;
        if (commaAt >= 0)
        {
            data = data[(commaAt + 1)..];
        }

        if ((long)data.Length * 3 / 4 > options.MaxImageBytes + 3)
        {
            throw ApiException.TooLarge($"image is larger than {options.MaxImageBytes} bytes");
        }

        var bytes = new byte[(data.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(data, bytes, out var length))
        {
            throw ApiException.BadRequest("data must be base64");
        }

        if (length > options.MaxImageBytes)
        {
            throw ApiException.TooLarge($"image is larger than {options.MaxImageBytes} bytes");
        }

        var image = bytes.AsSpan(0, length);
        if (!HasMagic(mime, image))
        {
            throw ApiException.BadRequest($"data is not a {mime} image");
        }

        var folder = kind == ImageKind.Avatar ? "avatars" : "banners";
        var fileName = $"{caller.UserId}-{Convert.ToHexStringLower(SHA256.HashData(image)[..8])}.{extension}";
        await media.PutAsync(new MediaRecord(fileName, caller.UserId, mime, image.ToArray(), time.GetUtcNow()));
        var user = await grains.GetGrain<IUserGrain>(caller.UserId).SetImageAsync(kind, $"/{folder}/{fileName}");
        return Results.Ok(user);
    }

    public static bool HasMagic(string mime, ReadOnlySpan<byte> data) => mime switch
    {
        "image/png" => data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/jpeg" => data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        "image/gif" => data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8),
        "image/webp" => data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8),
        _ => false,
    };
}
