using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.E2E.Features.Identity;

/// <summary>Each kind of account signs in through the real sign-in page and sees the navigation its role allows.</summary>
[Collection(E2ECollection.Name)]
public sealed class RoleNavigationTests(AppFixture app, BrowserFixture browser)
{
    private const string Dongcheng = "东城区";

    [Theory]
    [InlineData("admin", "系统管理员", false, true, false)]
    [InlineData("commander", "值班指挥长", false, false, false)]
    [InlineData("supervisor", "督办员", false, false, false)]
    [InlineData("liaison-110101", "东城区联络员", true, false, false)]
    [InlineData("street-110101001", "东华门街道办事处", true, false, false)]
    [InlineData("dept-city-management", "城管委值班员", false, false, true)]
    public Task SignIn_Role_ShowsItsNavigationAndSignsOut(string userName, string displayName, bool ownDistrict, bool admin, bool department) =>
        PageSession.RunAsync(browser, app, $"{nameof(SignIn_Role_ShowsItsNavigationAndSignsOut)}-{userName}", async page =>
        {
            await PageSession.SignInAsync(page, userName);

            await Expect(page).ToHaveURLAsync(app.App.BaseUrl + "/");
            await WaitForCityAsync(page);
            await Expect(page.Locator("#user-name")).ToHaveTextAsync(displayName);
            await Expect(page.Locator("#nav-city")).ToBeVisibleAsync();
            await Expect(page.Locator("#nav-my-district")).ToHaveCountAsync(ownDistrict ? 1 : 0);
            await Expect(page.Locator("#nav-admin")).ToHaveCountAsync(admin ? 1 : 0);
            await Expect(page.Locator("#nav-department")).ToHaveCountAsync(department ? 1 : 0);
            await Expect(page.Locator("#logout")).ToBeVisibleAsync();

            if (ownDistrict)
            {
                await page.Locator("#nav-my-district").ClickAsync();
                await Expect(page).ToHaveURLAsync(app.App.BaseUrl + "/city/district/110101");
                await Expect(page.Locator("h1")).ToContainTextAsync(Dongcheng);
                await Expect(page.Locator("#street-grid")).ToBeVisibleAsync();
            }
            if (admin)
            {
                await page.Locator("#nav-admin").ClickAsync();
                await Expect(page).ToHaveURLAsync(app.App.BaseUrl + "/admin");
                await Expect(page.Locator("#access-denied")).ToHaveCountAsync(0);
            }
            if (department)
            {
                await page.Locator("#nav-department").ClickAsync();
                await Expect(page).ToHaveURLAsync(app.App.BaseUrl + "/department");
                await Expect(page.Locator("h1")).ToContainTextAsync("北京市城市管理委员会");
                await Expect(page.Locator("#inbox-grid")).ToBeVisibleAsync();
            }

            await page.Locator("#logout").ClickAsync();

            await Expect(page).ToHaveURLAsync(app.App.BaseUrl + "/login");
            await Expect(page.Locator("#login-submit")).ToBeVisibleAsync();
            // Really signed out: the city page sends us back to sign in.
            await page.GotoAsync("/city");
            await Expect(page).ToHaveURLAsync(new Regex(@"/login\?returnUrl=%2Fcity$"));
        });

    [Fact]
    public Task KioskLink_WallDevice_OpensTheWallWithoutControls() =>
        PageSession.RunAsync(browser, app, nameof(KioskLink_WallDevice_OpensTheWallWithoutControls), async page =>
        {
            await PageSession.DeviceSignInAsync(page);

            await Expect(page).ToHaveURLAsync(app.App.BaseUrl + "/wall?kiosk=1");
            await Expect(page.Locator("#wall.wall--kiosk")).ToBeVisibleAsync();
            await Expect(page.Locator("#wall-kpis")).ToBeVisibleAsync();
            await Expect(page.Locator("#wall .wall-controls")).ToHaveCountAsync(0);
            await Expect(page.Locator("#logout")).ToHaveCountAsync(0);
            await Expect(page.Locator("#nav-admin")).ToHaveCountAsync(0);
        });

    [Fact]
    public Task SignIn_WrongPassword_ShowsErrorAndStaysSignedOut() =>
        PageSession.RunAsync(browser, app, nameof(SignIn_WrongPassword_ShowsErrorAndStaysSignedOut), async page =>
        {
            await page.GotoAsync("/login");
            // An account no other test signs in with: one failure must not count towards someone else's lockout.
            await page.Locator("#login-user").FillAsync("liaison-110119");
            await page.Locator("#login-password").FillAsync("not-the-password");
            await page.Locator("#login-submit").ClickAsync();

            await Expect(page.Locator("#login-error")).ToBeVisibleAsync();
            await Expect(page).ToHaveURLAsync(PageSession.SignInPage);
            await Expect(page.Locator("#user-name")).ToHaveCountAsync(0);
        });

    [Fact]
    public Task LoginPage_Screenshot_1920x1080() =>
        PageSession.RunAsync(browser, app, nameof(LoginPage_Screenshot_1920x1080), async page =>
        {
            await page.GotoAsync("/login");
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
            await Expect(page.Locator("#login-submit")).ToBeVisibleAsync();

            await ScreenshotAsync(page, "login-1920x1080.png");
        }, width: 1920, height: 1080);

    [Fact]
    public Task DistrictPage_Liaison_Screenshot_1920x1080() =>
        PageSession.RunAsync(browser, app, nameof(DistrictPage_Liaison_Screenshot_1920x1080), async page =>
        {
            await PageSession.SignInAsync(page, "liaison-110101");
            await WaitForCityAsync(page);
            await page.Locator("#nav-my-district").ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync(Dongcheng);
            await Expect(page.Locator("#district-map")).ToHaveAttributeAsync("data-ready", "true");
            await Expect(page.Locator("#street-grid tbody tr").First).ToBeVisibleAsync();

            await ScreenshotAsync(page, "district-liaison-1920x1080.png");
        }, width: 1920, height: 1080);

    /// <summary>
    /// Sign-in lands on the city page; its map is drawn by JS interop, so once it is ready the circuit is live and
    /// navigation clicks are handled (a click during circuit start-up can be lost).
    /// </summary>
    private static Task WaitForCityAsync(IPage page) =>
        Expect(page.Locator("#city-map")).ToHaveAttributeAsync("data-ready", "true");

    private static async Task ScreenshotAsync(IPage page, string fileName)
    {
        var path = await Artifacts.ScreenshotAsync(page, fileName);
        var png = await File.ReadAllBytesAsync(path);
        Assert.True(png.Length > 20 * 1024, $"{path} is only {png.Length} bytes: is the page blank?");
        Assert.Equal(1920, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(1080, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }
}
