namespace CommandCenter.Web.Resources;

/// <summary>Marker for MudBlazor's own texts in Chinese (MudStrings.zh.resx); English falls back to MudBlazor's built-ins.</summary>
public sealed class MudStrings;
