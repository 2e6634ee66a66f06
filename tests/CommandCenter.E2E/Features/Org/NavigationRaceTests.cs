using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.E2E.Features.Org;

/// <summary>Leaving a page while its map and chart are still loading must not break the app.</summary>
[Collection(E2ECollection.Name)]
public sealed class NavigationRaceTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public Task MyDistrict_ClickedWhileCityStillLoading_OpensDistrictWithoutError() =>
        PageSession.RunAsync(browser, app, nameof(MyDistrict_ClickedWhileCityStillLoading_OpensDistrictWithoutError), async page =>
        {
            await PageSession.SignInAsync(page, "liaison-110101");
            for (var attempt = 0; attempt < 5; attempt++)
            {
                await page.GotoAsync("/");
                // No wait for the map: the click races its loading on purpose.
                await page.Locator("#nav-my-district").ClickAsync();

                await Expect(page.Locator("#district-map")).ToHaveAttributeAsync("data-ready", "true");
                await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            }
        });
}
