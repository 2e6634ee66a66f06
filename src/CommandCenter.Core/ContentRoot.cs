namespace CommandCenter.Core;

/// <summary>
/// Finds the folder holding appsettings.json and wwwroot/: the repository root (the agreed layout keeps
/// them there) when running from a checkout, else the app's own folder (a published copy).
/// </summary>
public static class ContentRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln")))
                return dir.FullName;
        }
        return AppContext.BaseDirectory;
    }
}
