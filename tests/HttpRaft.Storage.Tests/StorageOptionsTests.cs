namespace HttpRaft.Storage.Tests;

/// <summary>A storage refuses settings outside their range before it touches the directory.</summary>
public sealed class StorageOptionsTests : IDisposable
{
    private readonly DataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(64L * 1024 - 1)]
    [InlineData(1024L * 1024 * 1024 + 1)]
    public void A_segment_size_outside_64_KiB_to_1_GiB_is_refused(long segmentBytes)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new FileRaftStorage(new StorageOptions { Directory = dir.Path, SegmentBytes = segmentBytes }));

        Assert.Equal("SegmentBytes", e.ParamName);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Theory]
    [InlineData(64L * 1024)]
    [InlineData(1024L * 1024 * 1024)]
    public void The_bounds_themselves_are_accepted(long segmentBytes)
    {
        using var storage = new FileRaftStorage(new StorageOptions { Directory = dir.Path, SegmentBytes = segmentBytes });

        Assert.Equal(0, storage.LastIndex);
    }

    [Fact]
    public void Missing_options_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new FileRaftStorage(null!));
    }

    [Fact]
    public void A_missing_data_directory_is_created_with_its_parents()
    {
        var nested = Path.Combine(dir.Path, "a", "b");

        using var storage = new FileRaftStorage(new StorageOptions { Directory = nested });

        Assert.Equal(nested, storage.DirectoryPath);
        Assert.True(File.Exists(Path.Combine(nested, "LOCK")));
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, -1)]
    public void A_negative_cache_size_is_refused(int cacheEntries, long cacheBytes)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new FileRaftStorage(new StorageOptions { Directory = dir.Path, CacheEntries = cacheEntries, CacheBytes = cacheBytes }));

        Assert.Equal(cacheEntries < 0 ? "CacheEntries" : "CacheBytes", e.ParamName);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_cache_of_nothing_is_accepted()
    {
        using var storage = new FileRaftStorage(new StorageOptions { Directory = dir.Path, CacheEntries = 0, CacheBytes = 0 });

        Assert.Equal(0, storage.LastIndex);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_directory_is_refused(string directory)
    {
        var e = Assert.Throws<ArgumentException>(() => new FileRaftStorage(new StorageOptions { Directory = directory }));

        Assert.Equal("Directory", e.ParamName);
    }
}
