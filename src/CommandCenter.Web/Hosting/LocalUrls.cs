namespace CommandCenter.Web.Hosting;

/// <summary>Open-redirect guard: only paths on this site ("/x", not "//host" or "/\host") may be redirected to.</summary>
public static class LocalUrls
{
    public static bool IsLocal(string? url) => url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//") && !url.StartsWith("/\\");

    public static string OrHome(string? url) => IsLocal(url) ? url! : "/";
}
