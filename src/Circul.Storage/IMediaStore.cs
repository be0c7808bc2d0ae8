namespace Circul.Storage;

/// <summary>Avatar and banner images, stored in the database so any silo can serve them.</summary>
public interface IMediaStore
{
    Task PutAsync(MediaRecord media, CancellationToken cancellationToken = default);

    Task<MediaRecord?> GetAsync(string fileName, CancellationToken cancellationToken = default);
}
