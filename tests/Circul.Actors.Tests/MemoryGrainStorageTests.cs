using System.Globalization;

namespace Circul.Actors.Tests;

public sealed class MemoryGrainStorageTests
{
    private const string GrainType = "CounterGrain";
    private readonly MemoryGrainStorage _storage = new();

    [Fact]
    public async Task Read_OfStateNeverWritten_ReturnsNull()
    {
        Assert.Null(await _storage.ReadAsync(GrainType, "k", CancellationToken.None));
    }

    [Fact]
    public async Task Write_WithoutETag_CreatesTheRecord()
    {
        var etag = await _storage.WriteAsync(GrainType, "k", "{}", null, CancellationToken.None);

        Assert.Equal(new GrainStateRecord("{}", etag), await _storage.ReadAsync(GrainType, "k", CancellationToken.None));
    }

    [Fact]
    public async Task Write_WithoutETag_WhenARecordExists_ThrowsAndKeepsTheRecord()
    {
        var etag = await _storage.WriteAsync(GrainType, "k", "1", null, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteAsync(GrainType, "k", "2", null, CancellationToken.None));

        Assert.Equal(new GrainStateRecord("1", etag), await _storage.ReadAsync(GrainType, "k", CancellationToken.None));
    }

    [Fact]
    public async Task Write_WithTheCurrentETag_ReplacesTheRecord_WithAHigherNumericETag()
    {
        var first = await _storage.WriteAsync(GrainType, "k", "1", null, CancellationToken.None);

        var second = await _storage.WriteAsync(GrainType, "k", "2", first, CancellationToken.None);

        Assert.True(long.Parse(second, CultureInfo.InvariantCulture) > long.Parse(first, CultureInfo.InvariantCulture));
        Assert.Equal(new GrainStateRecord("2", second), await _storage.ReadAsync(GrainType, "k", CancellationToken.None));
    }

    [Fact]
    public async Task Write_WithAStaleETag_ThrowsAndKeepsTheRecord()
    {
        var first = await _storage.WriteAsync(GrainType, "k", "1", null, CancellationToken.None);
        var second = await _storage.WriteAsync(GrainType, "k", "2", first, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteAsync(GrainType, "k", "3", first, CancellationToken.None));

        Assert.Equal(new GrainStateRecord("2", second), await _storage.ReadAsync(GrainType, "k", CancellationToken.None));
    }

    [Fact]
    public async Task Write_WithAnETag_WhenNoRecordExists_Throws()
    {
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteAsync(GrainType, "k", "1", "7", CancellationToken.None));

        Assert.Null(await _storage.ReadAsync(GrainType, "k", CancellationToken.None));
    }

    [Fact]
    public async Task Clear_WithTheCurrentETag_DeletesTheRecord()
    {
        var etag = await _storage.WriteAsync(GrainType, "k", "1", null, CancellationToken.None);

        await _storage.ClearAsync(GrainType, "k", etag, CancellationToken.None);

        Assert.Null(await _storage.ReadAsync(GrainType, "k", CancellationToken.None));
    }

    [Fact]
    public async Task Clear_WithAStaleETag_ThrowsAndKeepsTheRecord()
    {
        var first = await _storage.WriteAsync(GrainType, "k", "1", null, CancellationToken.None);
        await _storage.WriteAsync(GrainType, "k", "2", first, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.ClearAsync(GrainType, "k", first, CancellationToken.None));

        Assert.NotNull(await _storage.ReadAsync(GrainType, "k", CancellationToken.None));
    }

    [Fact]
    public async Task Clear_WithoutETag_WhenNothingIsStored_DoesNothing()
    {
        await _storage.ClearAsync(GrainType, "k", null, CancellationToken.None);

        Assert.Null(await _storage.ReadAsync(GrainType, "k", CancellationToken.None));
    }

    [Fact]
    public async Task ETags_AreNotReused_AfterAClear()
    {
        var before = await _storage.WriteAsync(GrainType, "k", "1", null, CancellationToken.None);
        await _storage.ClearAsync(GrainType, "k", before, CancellationToken.None);

        var after = await _storage.WriteAsync(GrainType, "k", "1", null, CancellationToken.None);

        Assert.NotEqual(before, after);
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteAsync(GrainType, "k", "2", before, CancellationToken.None));
    }

    [Fact]
    public async Task Records_AreKeyedByGrainTypeAndKey()
    {
        await _storage.WriteAsync("A", "k", "a", null, CancellationToken.None);
        await _storage.WriteAsync("B", "k", "b", null, CancellationToken.None);
        await _storage.WriteAsync("A", "j", "j", null, CancellationToken.None);

        Assert.Equal("a", (await _storage.ReadAsync("A", "k", CancellationToken.None))!.Json);
        Assert.Equal("b", (await _storage.ReadAsync("B", "k", CancellationToken.None))!.Json);
        Assert.Equal("j", (await _storage.ReadAsync("A", "j", CancellationToken.None))!.Json);
    }

    [Fact]
    public async Task ConcurrentWrites_WithTheSameETag_LetExactlyOneWin()
    {
        var etag = await _storage.WriteAsync(GrainType, "k", "0", null, CancellationToken.None);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 32).Select(i => Task.Run(async () =>
        {
            try
            {
                await _storage.WriteAsync(GrainType, "k", i.ToString(CultureInfo.InvariantCulture), etag, CancellationToken.None);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));

        Assert.Single(outcomes, won => won);
    }
}
