using Circul.Silo;

await SiloApp.Build(args).RunAsync();
