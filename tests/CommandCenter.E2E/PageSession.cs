using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

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

    /// <summary>Signs in through the sign-in page as a person would, and waits for the page it leads to.</summary>
    public static async Task SignInAsync(IPage page, string userName, string password = DemoAccounts.Password)
    {
        await page.GotoAsync("/login");
        await page.Locator("#login-user").FillAsync(userName);
        await page.Locator("#login-password").FillAsync(password);
        await page.Locator("#login-submit").ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(SignInPage);
    }

    /// <summary>Opens the wall device's kiosk link (the demo wall's token unless told otherwise).</summary>
    public static async Task DeviceSignInAsync(IPage page, string token = DemoAccounts.WallToken)
    {
        await page.GotoAsync($"/device/signin?token={Uri.EscapeDataString(token)}");
        await Expect(page).Not.ToHaveURLAsync(new Regex("/device/signin"));
    }

    /// <summary>The sign-in page, with or without a return URL.</summary>
    public static readonly Regex SignInPage = new(@"/login(\?.*)?$");
}

public sealed class BrowserTestException(string message, Exception inner) : Exception(message, inner);
