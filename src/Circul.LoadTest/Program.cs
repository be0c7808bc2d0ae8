using Circul.LoadTest;

return await LoadTestProgram.RunAsync(args, Console.Out, Console.Error);
