using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Circul.Storage.Tests")]
