namespace Circul.Silo.Tests.Infrastructure;

public enum RawCloseKind
{
    CloseFrame,
    EndOfStream,
    Reset,
    TimedOut,
}
