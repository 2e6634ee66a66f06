using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Web.Features.Departments.Components;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Tests.Features.Departments;

/// <summary>Core refuses an inbox action in English for logs and APIs; the inbox says why in the reader's language.</summary>
public sealed class InboxErrorsTests
{
    private static readonly IStringLocalizer<DepartmentStrings> L = WebTestContext.Localizer<DepartmentStrings>();

    public static TheoryData<string, string> CodesAndCultures() => CultureScope.EachCodeInEachLanguage(typeof(AssignmentRefusals));

    [Theory]
    [MemberData(nameof(CodesAndCultures))]
    public async Task EveryRefusalCode_HasATextInBothLanguages(string code, string culture)
    {
        using var _ = new CultureScope(culture);
        var text = await InboxErrors.TryAsync(() => throw new AssignmentStateException(code, "english fallback"), L);
        Assert.NotNull(text);
        Assert.DoesNotContain("english fallback", text);
        Assert.DoesNotContain("{", text);
    }

    [Fact]
    public async Task AcceptedElsewhere_InChinese_SaysSoWithoutEnglish()
    {
        using var _ = new CultureScope("zh-CN");
        var text = await InboxErrors.TryAsync(
            () => throw new AssignmentStateException(AssignmentRefusals.NotPending, "Only a pending assignment can be accepted."), L);
        Assert.Equal("操作未执行：该派单已签收或已退回，只有待签收的派单可以签收", text);
    }

    [Fact]
    public async Task AccessDenied_SaysOnlyThat()
    {
        using var _ = new CultureScope("zh-CN");
        Assert.Equal("当前账户无权办理此派单",
            await InboxErrors.TryAsync(() => throw new AccessDeniedException("The assignments of 'X' are outside this account's scope."), L));
    }

    [Fact]
    public async Task UnknownCode_FallsBackToCoresMessage()
    {
        using var _ = new CultureScope("zh-CN");
        Assert.Equal("操作未执行，派单状态已变化：Something new.",
            await InboxErrors.TryAsync(() => throw new AssignmentStateException("NotACode", "Something new."), L));
    }

    [Fact]
    public async Task Success_IsNoText() => Assert.Null(await InboxErrors.TryAsync(() => Task.CompletedTask, L));
}
