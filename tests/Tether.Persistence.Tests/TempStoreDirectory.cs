namespace Tether.Persistence.Tests;

/// <summary>A fresh directory for one test's store file, deleted afterwards.</summary>
internal sealed class TempStoreDirectory : IDisposable
{
    public TempStoreDirectory()
    {
        DirectoryPath = Path.Combine(Path.GetTempPath(), "tether-store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DirectoryPath);
    }

    public string DirectoryPath { get; }

    public string StorePath => Path.Combine(DirectoryPath, "tether.db");

    public void Dispose()
    {
        try
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
