namespace Circul.Silo.Tests.Infrastructure;

/// <summary>Image bytes that start with each format's magic number.</summary>
public static class TestImages
{
    /// <summary>A complete 1x1 PNG.</summary>
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>A second, different PNG (another pixel colour) for "a new upload gets a new URL".</summary>
    public static readonly byte[] Png2 = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");

    /// <summary>JPEG start-of-image and JFIF marker.</summary>
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9];

    /// <summary>RIFF container of type WEBP with a VP8L chunk header.</summary>
    public static readonly byte[] Webp = [.. "RIFF"u8, 0x1A, 0x00, 0x00, 0x00, .. "WEBPVP8L"u8, 0x0D, 0x00, 0x00, 0x00, 0x2F, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE, 0x07, 0x00];

    public static readonly byte[] Gif = "GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;"u8.ToArray();

    public static byte[] ForMime(string mime) => mime switch
    {
        "image/png" => Png,
        "image/jpeg" => Jpeg,
        "image/gif" => Gif,
        "image/webp" => Webp,
        _ => throw new ArgumentOutOfRangeException(nameof(mime)),
    };

    /// <summary>A PNG signature followed by padding up to <paramref name="size"/> bytes.</summary>
    public static byte[] PngOfSize(int size)
    {
        var bytes = new byte[size];
        Png.AsSpan(0, Math.Min(size, Png.Length)).CopyTo(bytes);
        return bytes;
    }

    public static string Base64(byte[] bytes) => Convert.ToBase64String(bytes);
}
