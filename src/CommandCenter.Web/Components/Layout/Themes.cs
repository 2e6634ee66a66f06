using MudBlazor;

namespace CommandCenter.Web.Components.Layout;

/// <summary>One theme, two palettes: light for office screens, dark for the command-center wall.</summary>
public static class Themes
{
    // No web fonts: nothing outside the server is reachable, and CJK needs the system's Noto/YaHei/PingFang.
    private static readonly string[] FontFamily =
        ["Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme CommandCenter { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8",
            Secondary = "#c8102e",
            AppbarBackground = "#15315a",
            AppbarText = "#ffffff",
            Background = "#f3f5f8",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#4da3ff",
            Secondary = "#ff5c5c",
            AppbarBackground = "#0a1628",
            AppbarText = "#e6edf7",
            Background = "#050d1a",
            Surface = "#0d1b2e",
            DrawerBackground = "#0a1628",
            TextPrimary = "#e6edf7",
            TextSecondary = "#9fb3c8",
            LinesDefault = "#1f3552",
            TableLines = "#1f3552",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontFamily },
            H1 = new H1Typography { FontFamily = FontFamily },
            H2 = new H2Typography { FontFamily = FontFamily },
            H3 = new H3Typography { FontFamily = FontFamily },
            H4 = new H4Typography { FontFamily = FontFamily },
            H5 = new H5Typography { FontFamily = FontFamily },
            H6 = new H6Typography { FontFamily = FontFamily },
            Button = new ButtonTypography { FontFamily = FontFamily },
        },
    };
}
