namespace CommandCenter.Web.Resources;

/// <summary>Marker for the UI text resources (AppStrings.resx is zh-CN, the default; AppStrings.en.resx is English).</summary>
public sealed class AppStrings;
