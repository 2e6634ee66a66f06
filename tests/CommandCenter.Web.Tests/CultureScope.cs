using System.Globalization;
using System.Reflection;

namespace CommandCenter.Web.Tests;

/// <summary>Sets the thread's culture and UI culture until disposed (text that does not render a component).</summary>
public sealed class CultureScope : IDisposable
{
    private readonly CultureInfo culture = CultureInfo.CurrentCulture, ui = CultureInfo.CurrentUICulture;

    public CultureScope(string name) => CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(name);

    public void Dispose() => (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui);

    /// <summary>Each public string constant of <paramref name="codes"/> (a refusal-code class) with each UI language.</summary>
    public static TheoryData<string, string> EachCodeInEachLanguage(Type codes)
    {
        var data = new TheoryData<string, string>();
        foreach (var code in codes.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!))
            foreach (var culture in new[] { "zh-CN", "en" })
                data.Add(code, culture);
        return data;
    }
}
