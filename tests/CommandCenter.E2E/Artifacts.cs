using System.Buffers.Binary;
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

    /// <summary>
    /// The wall at each of its two reference sizes (1920×1080, then 3840×2160; the viewport is put back after), as
    /// <c>{name}-1920x1080.png</c> and <c>{name}-3840x2160.png</c>, each checked to be that size and not blank.
    /// </summary>
    public static async Task WallScreenshotsAsync(IPage page, string name)
    {
        foreach (var (width, height) in new[] { (1920, 1080), (3840, 2160) })
        {
            await ResizeAsync(page, width, height);
            await CheckedScreenshotAsync(page, $"{name}-{width}x{height}.png", width, height);
        }
        await ResizeAsync(page, 1920, 1080);
    }

    /// <summary>A screenshot that must have this size and enough detail not to be a blank page.</summary>
    public static async Task CheckedScreenshotAsync(IPage page, string fileName, int width, int height)
    {
        var path = await ScreenshotAsync(page, fileName);
        var png = await File.ReadAllBytesAsync(path);
        Assert.True(png.Length > 50 * 1024, $"{path} is only {png.Length} bytes: is the wall blank?");
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    /// <summary>Sets the viewport and gives the map and charts time to refit and redraw.</summary>
    public static async Task ResizeAsync(IPage page, int width, int height)
    {
        if (page.ViewportSize is { } size && size.Width == width && size.Height == height) return;
        await page.SetViewportSizeAsync(width, height);
        await page.WaitForTimeoutAsync(1500);
    }
}
