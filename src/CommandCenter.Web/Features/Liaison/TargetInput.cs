namespace CommandCenter.Web.Features.Liaison;

/// <summary>What an inbox form posts. The keys are generated when the form is rendered: a repeated POST records once.</summary>
public sealed class TargetInput
{
    public const string Acknowledge = "ack";
    public const string Progress = "progress";
    public const string Complete = "complete";

    public const int CommentMax = 1000;
    public const int TextMax = 4000;

    /// <summary><see cref="Acknowledge"/>, <see cref="Progress"/> or <see cref="Complete"/> (the pressed button's value).</summary>
    public string? Action { get; set; }

    public string? Comment { get; set; }

    public string? Text { get; set; }

    public Guid? ProgressKey { get; set; }

    /// <summary>A key of its own: a completion sent with the same form as an earlier progress report is still recorded.</summary>
    public Guid? CompleteKey { get; set; }
}
