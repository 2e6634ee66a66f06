using CommandCenter.Testing;
using Microsoft.Playwright;

namespace CommandCenter.E2E;

/// <summary>Screenshots under <c>tests/artifacts/</c> (git-ignored).</summary>
public static class Artifacts
{
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "artifacts");

    public static async Task<string> ScreenshotAsync(IPage page, string fileName)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, fileName);
        await page.ScreenshotAsync(new() { Path = path, Animations = ScreenshotAnimations.Disabled });
        return path;
    }
}
