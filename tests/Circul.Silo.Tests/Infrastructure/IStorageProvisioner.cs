namespace Circul.Silo.Tests.Infrastructure;

public interface IStorageProvisioner
{
    string Name { get; }

    Task<ProvisionedStorage> CreateAsync();
}
