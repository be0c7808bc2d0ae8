namespace Circul.Actors.Runtime;

/// <summary>A work item in an activation's mailbox.</summary>
internal interface ITurn
{
    void Fail(Exception exception);
}
