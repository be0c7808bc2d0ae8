namespace Circul.Grains;

/// <summary>Completes a grain method whose body is synchronous. A method that throws before returning its task
/// (instead of returning a faulted one) is, to the actor runtime, a failure of the runtime itself, logged as
/// Critical with the stack trace, even when the exception is an ordinary <see cref="ApiException"/> (a 404).</summary>
public static class GrainTask
{
    public static Task<T> From<T>(Func<T> body)
    {
        try
        {
            return Task.FromResult(body());
        }
        catch (Exception exception)
        {
            return Task.FromException<T>(exception);
        }
    }
}
