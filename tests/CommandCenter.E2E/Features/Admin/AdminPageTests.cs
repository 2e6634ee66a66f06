using static Microsoft.Playwright.Assertions;

namespace CommandCenter.E2E.Features.Admin;

[Collection(E2ECollection.Name)]
public sealed class AdminPageTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public Task AdminPage_Admin_ListsDemoAccountsInChinese() =>
        PageSession.RunAsync(browser, app, nameof(AdminPage_Admin_ListsDemoAccountsInChinese), async page =>
        {
            await PageSession.SignInAsync(page, "admin");
            await page.Locator("#nav-admin").ClickAsync();

            // Visible, not merely present: the tab bar and a row the admin can read.
            await Expect(page.Locator(".mud-tab").First).ToBeVisibleAsync();
            await Expect(page.Locator("#admin-users tbody tr", new() { HasText = "东城区联络员" })).ToBeVisibleAsync();
            await Expect(page.Locator("#admin-users tbody tr", new() { HasText = "liaison-110101" }).Locator("[data-role=liaison]")).ToHaveTextAsync("区联络员");
            await Artifacts.ScreenshotAsync(page, "admin-1920x1080.png");
        }, width: 1920, height: 1080);
}
