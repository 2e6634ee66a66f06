namespace CommandCenter.Testing;

/// <summary>Locations in the repository checkout the tests run from.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> root = new(FindRoot);

    /// <summary>The folder holding CommandCenter.sln, found by walking up from the test binaries.</summary>
    public static string Root => root.Value;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No CommandCenter.sln above {AppContext.BaseDirectory}.");
    }
}
