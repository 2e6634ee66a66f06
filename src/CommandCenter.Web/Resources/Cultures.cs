using System.Globalization;

namespace CommandCenter.Web.Resources;

/// <summary>The UI languages: zh-CN by default, English as the alternative.</summary>
public static class Cultures
{
    public const string Default = "zh-CN";
    public const string English = "en";

    public static readonly string[] Supported = [Default, English];

    /// <summary>Each culture labelled in its own language, for the switch.</summary>
    public static readonly (string Culture, string Label)[] Labels = [(Default, "中文"), (English, "EN")];

    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    /// <summary>Picks the zh or en variant of a name stored in both languages.</summary>
    public static string Pick(string zh, string en) => IsEnglish ? en : zh;
}
