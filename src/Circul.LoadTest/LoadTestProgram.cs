namespace Circul.LoadTest;

/// <summary>The command line entry: parses the options, runs once, returns the exit status.</summary>
public static class LoadTestProgram
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;
    public const int ExitSetupFailed = 3;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter log)
    {
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            await output.WriteLineAsync(LoadTestOptions.Help);
            return ExitOk;
        }

        if (!LoadTestOptions.TryParse(args, out var options, out var error))
        {
            await log.WriteLineAsync("error: " + error);
            await log.WriteLineAsync(LoadTestOptions.Usage);
            return ExitUsage;
        }

        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            if (options!.Scenario == ScenarioCatalog.PanelScale)
            {
                return await new PanelScaleRun(options, output, log).ExecuteAsync(stop.Token);
            }

            var run = new LoadRun(options, ScenarioCatalog.Create(options.Scenario), output, log);
            return await run.ExecuteAsync(stop.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
