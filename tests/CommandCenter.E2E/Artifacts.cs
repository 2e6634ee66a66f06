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
        // Animations stay on: fast-forwarding MudTabs' transition leaves its panels blank in the image.
        await page.ScreenshotAsync(new() { Path = path });
        return path;
    }
}
