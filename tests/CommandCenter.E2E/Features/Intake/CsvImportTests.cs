using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.E2E.Features.Intake;

/// <summary>
/// An administrator imports a native CSV in Chromium: upload, preview, check, skip the reported rows, load with a live
/// progress bar (the app runs with 2,000-row chunks, see <see cref="AppFixture"/>), and the run in the history.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class CsvImportTests(AppFixture app, BrowserFixture browser)
{
    private const int ValidRows = 24_000;
    private const int BadRows = 3;

    [Fact]
    public Task ImportPage_NativeFile_PreviewCheckAndLoadWithLiveProgress() =>
        PageSession.RunAsync(browser, app, nameof(ImportPage_NativeFile_PreviewCheckAndLoadWithLiveProgress), async page =>
        {
            var file = WriteFile();
            try
            {
                await PageSession.SignInAsync(page, "admin");
                await page.Locator("#nav-import").ClickAsync();
                await Expect(page.Locator("h1")).ToHaveTextAsync("CSV 导入");
                await Expect(page.Locator("#import-page")).ToHaveAttributeAsync("data-ready", "true");

                await page.Locator("#import-upload input[type=file]").SetInputFilesAsync(file);
                await Expect(page.Locator("#import-file-name")).ToContainTextAsync(Path.GetFileName(file), new() { Timeout = 60_000 });
                await Expect(page.Locator("#import-detected")).ToContainTextAsync("本系统格式");
                // The mapping is prefilled from the preset and the preview shows the first rows, placed in their districts.
                await Expect(page.Locator("#import-mapping tr[data-field=Longitude]")).ToContainTextAsync("lon");
                await Expect(page.Locator("#import-preview tbody tr")).ToHaveCountAsync(20);
                await Expect(page.Locator("#import-preview tbody tr[data-row='2']")).ToContainTextAsync("东城区");
                await Expect(page.Locator("#import-preview tbody tr[data-row='3']")).ToContainTextAsync("坐标不在本市各区范围内");
                await Artifacts.ScreenshotAsync(page, "import-1920x1080.png");

                await page.Locator("#import-validate").ClickAsync();
                var report = page.Locator("#import-report");
                await Expect(report).ToHaveAttributeAsync("data-bad", BadRows.ToString(CultureInfo.InvariantCulture), new() { Timeout = 60_000 });
                await Expect(report).ToHaveAttributeAsync("data-valid", ValidRows.ToString(CultureInfo.InvariantCulture));
                await Expect(page.Locator("#import-errors tbody tr")).ToHaveCountAsync(BadRows);
                // Nothing loads until the administrator explicitly chooses to skip the reported rows.
                await Expect(page.Locator("#import-start")).ToBeDisabledAsync();

                // Every value the bar shows, stamped in the page as it changes.
                await page.EvaluateAsync("""
                    () => {
                        window.importDone = [];
                        new MutationObserver(() => {
                            const bar = document.getElementById('import-progress');
                            const value = bar ? Number(bar.dataset.done) : null;
                            if (value !== null && window.importDone[window.importDone.length - 1] !== value) window.importDone.push(value);
                        }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-done'] });
                    }
                    """);
                await page.Locator("#import-skip-bad").ClickAsync();
                await page.Locator("#import-start").ClickAsync();

                await Expect(page.Locator("#import-result")).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 120_000 });
                await Expect(page.Locator("#import-result")).ToContainTextAsync($"新增 {ValidRows:N0} 条诉求");
                var total = ValidRows + BadRows;
                await Expect(page.Locator("#import-progress")).ToHaveAttributeAsync("data-done", total.ToString(CultureInfo.InvariantCulture));
                var seen = await page.EvaluateAsync<long[]>("() => window.importDone");
                Assert.True(seen.Count(v => v > 0 && v < total) >= 2, $"the bar showed {string.Join(", ", seen)}: it should move through the load");
                Assert.Equal(seen.Order(), seen);
                Assert.Equal(total, seen[^1]);

                var history = page.Locator("#import-history tbody tr", new() { HasText = Path.GetFileName(file) });
                await Expect(history.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "completed");
                await Expect(history).ToContainTextAsync(ValidRows.ToString("N0", CultureInfo.InvariantCulture));
                await page.Locator("#import-check-step").ScrollIntoViewIfNeededAsync();
                await Artifacts.ScreenshotAsync(page, "import-done-1920x1080.png");
            }
            finally
            {
                File.Delete(file);
            }
        }, width: 1920, height: 1080);

    [Fact]
    public Task ImportPage_FileThatStopsBeingCsv_SaysWhyInChinese() =>
        PageSession.RunAsync(browser, app, nameof(ImportPage_FileThatStopsBeingCsv_SaysWhyInChinese), async page =>
        {
            var file = Path.Combine(Path.GetTempPath(), $"e2e-quote-{Guid.NewGuid():N}"[..24] + ".csv");
            await File.WriteAllTextAsync(file, "ref,service_code,description,address,lon,lat,street_code,reported_at,resolved_at\n\"unclosed,quote\n");
            try
            {
                await PageSession.SignInAsync(page, "admin");
                await page.GotoAsync("/admin/import");
                await Expect(page.Locator("#import-page")).ToHaveAttributeAsync("data-ready", "true");

                await page.Locator("#import-upload input[type=file]").SetInputFilesAsync(file);

                // Core's reason is English ("Row 2: A quoted field is not closed..."); the page says it in the reader's language.
                await Expect(page.Locator("#import-mapping-error")).ToHaveTextAsync("无法读取该文件：第 2 行：引号未闭合，直到文件末尾。", new() { Timeout = 30_000 });
                await Artifacts.ScreenshotAsync(page, "import-error-1920x1080.png");
            }
            finally
            {
                File.Delete(file);
            }
        }, width: 1920, height: 1080);

    /// <summary>
    /// Native rows in June (resolved, outside every live window and the Open311 default range, so the other tests sharing
    /// this app see none of them), placed across the city core; rows 3, 1,000 and 20,000 are outside the city.
    /// </summary>
    private static string WriteFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"e2e-import-{Guid.NewGuid():N}"[..24] + ".csv");
        var text = new StringBuilder("ref,service_code,description,address,lon,lat,street_code,reported_at,resolved_at\n");
        for (var i = 0; i < ValidRows + BadRows; i++)
        {
            var bad = i is 1 or 998 or 19_998;
            var (lon, lat) = bad ? (117.2, 39.1) : (116.40 + i % 40 * 0.001, 39.90 + i % 30 * 0.001);
            text.Append(CultureInfo.InvariantCulture,
                $"E2E-{i},school-admission,入学咨询 {i},北京市东城区,{lon},{lat},,2026-06-{1 + i % 28:00}T09:00:00+08:00,2026-06-{1 + i % 28:00}T15:00:00+08:00\n");
        }
        File.WriteAllText(path, text.ToString());
        return path;
    }
}
