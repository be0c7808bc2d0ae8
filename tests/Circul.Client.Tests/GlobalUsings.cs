global using System.Net;
global using System.Text.Json;
global using Circul.Client;
global using Circul.Silo.Tests.Infrastructure;
global using RawGateway = Circul.Silo.Tests.Infrastructure.GatewayClient;
global using RawGatewayEvent = Circul.Silo.Tests.Infrastructure.GatewayEvent;
