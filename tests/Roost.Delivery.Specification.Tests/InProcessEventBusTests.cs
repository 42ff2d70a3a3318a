using Roost.Core.Delivery;

namespace Roost.Delivery.Specification.Tests;

/// <summary>The default bus: nodes in one process (an instance in a box is one node alone on it).</summary>
public sealed class InProcessEventBusTests : EventBusSpecification
{
    private readonly InProcessBusHub _hub = new();

    protected override IEventBus CreateBus() => new InProcessEventBus(_hub);
}
