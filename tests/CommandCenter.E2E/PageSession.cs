using Microsoft.Playwright;

namespace CommandCenter.E2E;

/// <summary>
/// Runs a test body on a fresh page; on failure adds a screenshot, the browser console
/// and the app's output to the exception.
/// </summary>
public static class PageSession
{
    public static async Task RunAsync(
        BrowserFixture browser, AppFixture app, string testName, Func<IPage, Task> body, int width = 1600, int height = 900)
    {
        await using var context = await browser.NewContextAsync(app.App.BaseUrl, width, height);
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => { lock (console) { console.Add($"[{message.Type}] {message.Text}"); } };
        page.PageError += (_, error) => { lock (console) { console.Add($"[pageerror] {error}"); } };

        try
        {
            await body(page);
        }
        catch (Exception failure)
        {
            var screenshot = "(none)";
            try
            {
                screenshot = await Artifacts.ScreenshotAsync(page, $"failed-{testName}.png");
            }
            catch (PlaywrightException)
            {
                // The page is gone; the other diagnostics still help.
            }
            string browserLog;
            lock (console)
            {
                browserLog = string.Join('\n', console);
            }
            throw new BrowserTestException(
                $"{failure.Message}\n--- screenshot: {screenshot}\n--- browser console:\n{browserLog}\n--- app output:\n{app.App.OutputTail}",
                failure);
        }
    }
}

public sealed class BrowserTestException(string message, Exception inner) : Exception(message, inner);
