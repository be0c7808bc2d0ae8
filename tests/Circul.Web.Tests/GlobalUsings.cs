global using System.Net;
global using System.Text.Json;
global using Circul.Silo.Tests.Infrastructure;
global using Circul.Web.Tests.Infrastructure;
global using Microsoft.Playwright;
