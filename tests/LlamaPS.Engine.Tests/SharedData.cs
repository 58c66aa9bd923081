namespace LlamaPS.Engine.Tests;

/// <summary>
/// Locates ../shared beside the checkout. In CI (CI=true) a missing folder fails the test with a clear message;
/// elsewhere the test is skipped with the reason.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    private static string? FindRoot()
    {
        string? env = Environment.GetEnvironmentVariable("LLAMAPS_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlamaPS.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }
        return null;
    }

    /// <summary>
    /// Full path of a file under ../shared, or null when ../shared or the file is missing. For building theory data
    /// at discovery time, where a test cannot yet skip or fail; the test itself then calls <see cref="PathOf"/>.
    /// </summary>
    public static string? TryPathOf(params string[] parts)
    {
        string? root = Root.Value;
        if (root is null) return null;
        string path = Path.Combine([root, .. parts]);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Full path of a file under ../shared, e.g. Path("models", "stories260K.gguf").</summary>
    public static string PathOf(params string[] parts)
    {
        string? root = Root.Value;
        if (root is null)
        {
            const string message = "../shared (the project's shared test data) was not found beside the checkout; set LLAMAPS_SHARED to its path.";
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail(message);
            Assert.Skip(message);
        }
        string path = Path.Combine([root!, .. parts]);
        if (!File.Exists(path)) Assert.Fail($"Shared test file is missing: {path}");
        return path;
    }
}
