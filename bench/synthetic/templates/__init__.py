"""The code templates: ordinary blocks grouped by the kind of module they make, and the recurrent
models.
"""

from .config import block_argparse, block_config_dataclass, block_merge_config, block_registry
from .data import block_collate, block_dataloader, block_dataset, block_sampler, block_transforms
from .metrics import block_accuracy, block_confusion, block_metric_collection
from .models import (
    block_attention,
    block_backbone,
    block_conv_bn,
    block_encoder_stack,
    block_feed_forward,
    block_positional,
    block_residual,
    block_squeeze_excite,
)
from .training import block_early_stop, block_ema, block_schedule, block_trainer
from .utils import (
    block_chunks,
    block_distributed,
    block_flatten,
    block_meter,
    block_paths,
    block_records,
    block_retry,
    block_seed,
    block_timer,
)

ORDINARY_BLOCKS = {
    "data": [block_dataset, block_collate, block_sampler, block_transforms, block_dataloader,
             block_records, block_paths, block_chunks],
    "trainer": [block_trainer, block_schedule, block_early_stop, block_ema, block_timer,
                block_seed, block_distributed],
    "cnn": [block_conv_bn, block_residual, block_backbone, block_squeeze_excite],
    "transformer": [block_attention, block_feed_forward, block_positional, block_encoder_stack],
    "config": [block_config_dataclass, block_argparse, block_merge_config, block_registry],
    "utils": [block_meter, block_timer, block_seed, block_records, block_flatten, block_retry,
              block_distributed, block_chunks, block_paths, block_registry],
    "metrics": [block_accuracy, block_confusion, block_metric_collection, block_meter,
                block_records],
}
