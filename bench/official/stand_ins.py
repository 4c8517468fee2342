"""Stand-ins for modules the authors' src/*.py import at the top but the benchmarks never call, shared by stage2.py and
end_to_end.py: timm (only its trunc_normal_ initialiser, which torch has too) and data_loaders (their data sets; ours
come from Orca's record). Installing them before the first import of the authors' code is the whole adaptation."""
import sys
import types

import torch


def install():
    layers = types.ModuleType('timm.models.layers')
    layers.trunc_normal_ = torch.nn.init.trunc_normal_
    sys.modules.update({'timm': types.ModuleType('timm'), 'timm.models': types.ModuleType('timm.models'),
                        'timm.models.layers': layers})
    loaders = types.ModuleType('data_loaders')
    loaders.__getattr__ = lambda name: None
    sys.modules['data_loaders'] = loaders
