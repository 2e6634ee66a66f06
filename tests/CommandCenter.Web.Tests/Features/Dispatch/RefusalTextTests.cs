using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Tests.Features.Dispatch;

/// <summary>Core refuses in English for logs and APIs; the screens say why in the reader's language.</summary>
public sealed class RefusalTextTests
{
    private static readonly IStringLocalizer<DispatchStrings> L = WebTestContext.Localizer<DispatchStrings>();

    public static TheoryData<string, string> CodesAndCultures() => CultureScope.EachCodeInEachLanguage(typeof(Refusals));

    [Theory]
    [MemberData(nameof(CodesAndCultures))]
    public void EveryRefusalCode_HasATextInBothLanguages(string code, string culture)
    {
        using var _ = new CultureScope(culture);
        var text = DispatchFormat.Refusal(L, new OrderStateException(code, "english fallback", 1, 2));
        Assert.NotEqual("english fallback", text);
        Assert.DoesNotContain("{", text);
    }

    [Fact]
    public void Refusal_InChinese_FillsItsArgumentsAndLeavesNoEnglish()
    {
        using var _ = new CultureScope("zh-CN");
        var text = DispatchFormat.Refusal(L, new DispatchValidationException(Refusals.InstructionLength, "The instruction must be 1–4000 characters.", 1, 4000));
        Assert.Equal("指令内容须为 1–4000 个字", text);
    }

    [Fact]
    public void Refusal_InEnglish_IsTheEnglishText()
    {
        using var _ = new CultureScope("en");
        Assert.Equal("Unknown district (110199)",
            DispatchFormat.Refusal(L, new DispatchValidationException(Refusals.UnknownDistrict, "Unknown district '110199'.", "110199")));
    }

    [Fact]
    public void Refusal_AccessDenied_SaysOnlyThatInTheReadersLanguage()
    {
        using var _ = new CultureScope("zh-CN");
        Assert.Equal("当前账号无权办理", DispatchFormat.Refusal(L, new AccessDeniedException("District 110101 is outside this account's scope.")));
    }

    [Fact]
    public void Refusal_UnknownCode_FallsBackToCoresMessage()
    {
        using var _ = new CultureScope("zh-CN");
        Assert.Equal("Something new.", DispatchFormat.Refusal(L, new DispatchValidationException("NotACode", "Something new.")));
    }
}
