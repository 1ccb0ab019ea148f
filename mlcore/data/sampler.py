"""Class-balanced batch sampler (numpy only; usable as a torch DataLoader ``batch_sampler``)."""

from __future__ import annotations

import numpy as np


class ClassBalancedBatchSampler:
    """Yields lists of dataset indices where every class appears equally often.

    labels: (N,) class of each item. batch_size: items per batch; each of the K classes gets
    batch_size // K, and the remainder goes to classes in a rotating order, so counts within a batch
    differ by at most one. Each class is drawn without replacement from its own shuffled queue, refilled
    when exhausted (minority items repeat within an epoch, majority items are seen in turn).
    n_batches: batches per epoch (default: ceil(N / batch_size)). Seeded by (seed, epoch).
    """

    def __init__(self, labels, batch_size: int, n_batches: int | None = None, seed: int = 0):
        labels = np.asarray(labels)
        self.classes = np.unique(labels)
        if batch_size < len(self.classes):
            raise ValueError(f"batch_size {batch_size} is smaller than the number of classes {len(self.classes)}")
        self.by_class = [np.flatnonzero(labels == c) for c in self.classes]
        self.batch_size, self.seed, self.epoch = int(batch_size), int(seed), 0
        self.n_batches = n_batches or int(np.ceil(len(labels) / batch_size))

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return self.n_batches

    def __iter__(self):
        rng = np.random.default_rng([self.seed, self.epoch])
        queues = [list(rng.permutation(idx)) for idx in self.by_class]
        k = len(self.classes)
        for b in range(self.n_batches):
            per = [self.batch_size // k + (1 if (i - b) % k < self.batch_size % k else 0) for i in range(k)]
            batch = []
            for i, n in enumerate(per):
                for _ in range(n):
                    if not queues[i]:
                        queues[i] = list(rng.permutation(self.by_class[i]))
                    batch.append(int(queues[i].pop()))
            yield [batch[j] for j in rng.permutation(len(batch))]
