"""One run of the authors' whole pipeline (src/main.py: alignment, fine-tuning, best-validated test) on inputs Orca wrote
(dev.orca.trainer.run.OfficialInputs), then one JSON line with its figures.

    python end_to_end.py <checkout of sjunhongshen/ORCA> <inputs dir> <orca|finetune> <work dir>

Their `main()` runs as it is, with the hyperparameters the inputs carry for the mode (hyperparameters-<mode>.json, their
configs' `hyperparameters` block filled from the experiment). Adaptations, made here at run time (the checkout is not
modified; docs/official-parity.md lists them):
  1. their extension point `your_new_task` filled in: get_data reads Orca's three splits (train shuffled, as their
     loaders do) and, for the proxy source, Orca's source features; get_config gives the shape, classes and
     nn.CrossEntropyLoss; get_metric is theirs for `your_new_task` (inverse_score(accuracy));
  2. the body: transformers' AutoConfig / AutoModel load the experiment's body (inputs/body, Hugging Face layout)
     where their code names roberta-base;
  3. a body width other than RoBERTa-base's 768 (MiniLM: 384): the literal 768 in embedder.py becomes the body's width
     (Embeddings1D's 1D branch and the predictor's input);
  4. BERT-style positions for a BERT-family body (0..L-1 instead of RoBERTa's padding_idx + 1..): padding_idx -1;
  5. CPU: torch.cuda.get_rng_state (saved with every checkpoint) returns an empty state when there is no GPU;
  6. Python 3.11: attrdict 2.0.1 imports Mapping from collections (moved to collections.abc in 3.10): aliased;
  7. modules imported at the top and never called on this path are stand-ins: data_loaders (their data sets), timm
     (trunc_normal_, torch's own is used).
"""
import collections
import collections.abc
import contextlib
import json
import os
import sys
import time
import types

import numpy as np
import torch

import stand_ins


def install_stand_ins():
    for name in ('Mapping', 'MutableMapping', 'Sequence'):  # adaptation 6
        setattr(collections, name, getattr(collections.abc, name))
    stand_ins.install()  # adaptation 7
    if not torch.cuda.is_available():  # adaptation 5
        torch.cuda.get_rng_state = lambda *a, **k: torch.empty(0, dtype=torch.uint8)


def patch_task_configs(task_configs, inputs, dataset):
    def arrays(split):
        x = torch.from_numpy(np.load(os.path.join(inputs, split + '_x.npy')))
        y = torch.from_numpy(np.load(os.path.join(inputs, split + '_y.npy'))).long()
        return x, y

    original_get_data, original_get_metric = task_configs.get_data, task_configs.get_metric

    def get_data(root, name, batch_size, valid_split, maxsize=None, get_shape=False):  # adaptation 1
        if name == 'text':
            src_x = torch.from_numpy(np.load(os.path.join(inputs, 'src_X.npy')))
            src_y = torch.from_numpy(np.load(os.path.join(inputs, 'src_y.npy'))).long()
            source = torch.utils.data.TensorDataset(src_x.unsqueeze(1), src_y)  # their get_tgt_model takes .mean(1)
            return torch.utils.data.DataLoader(source, batch_size=batch_size), None, None, None, None, None, None
        if name != dataset:
            return original_get_data(root, name, batch_size, valid_split, maxsize, get_shape)
        loaders = []
        for split in ('train', 'valid', 'test'):
            loaders.append(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(*arrays(split)), batch_size=batch_size,
                                                       shuffle=split == 'train', num_workers=0))
        return (*loaders, len(loaders[0]), len(loaders[1]), len(loaders[2]), None)

    def get_config(root, args):
        if args.dataset != dataset:
            raise SystemExit(f'end_to_end: only {dataset} is served here, not {args.dataset}')
        args.infer_label = False
        args.activation = None
        x, y = arrays('train')
        return 1, (1, *x.shape[1:]), int(y.max().item()) + 1, torch.nn.CrossEntropyLoss(), args

    def get_metric(root, name):
        return original_get_metric(root, 'your_new_task' if name == dataset else name)

    task_configs.get_data, task_configs.get_config, task_configs.get_metric = get_data, get_config, get_metric


def load_embedder_module(src, body, width, bert_positions):
    """embedder.py compiled with adaptations 2-4 (their source text, two literal substitutions)."""
    path = os.path.join(src, 'embedder.py')
    text = open(path).read()
    if width != 768:
        text = text.replace('768', str(width))  # adaptation 3
    if bert_positions:
        before = 'self.padding_idx = 1'
        if text.count(before) != 1:
            raise SystemExit(f'end_to_end: expected one "{before}" in {path}; the checkout differs from the one adapted')
        text = text.replace(before, 'self.padding_idx = -1')  # adaptation 4
    module = types.ModuleType('embedder')
    module.__file__ = path
    sys.modules['embedder'] = module
    exec(compile(text, path, 'exec'), module.__dict__)

    import transformers  # adaptation 2

    class AutoConfig:
        @staticmethod
        def from_pretrained(name, *args, **kwargs):
            return transformers.AutoConfig.from_pretrained(body, *args, **kwargs)

    class AutoModel:
        @staticmethod
        def from_pretrained(name, *args, **kwargs):
            return transformers.AutoModel.from_pretrained(body, *args, **kwargs)

        @staticmethod
        def from_config(config, *args, **kwargs):
            return transformers.AutoModel.from_config(config, *args, **kwargs)

    module.AutoConfig, module.AutoModel = AutoConfig, AutoModel
    return module


def last_best(validation):
    """The epoch their main() tests: it saves again whenever an epoch equals the best so far (np.min), so the last of ties."""
    return max(i for i, v in enumerate(validation) if v == min(validation)) + 1


def main():
    checkout, inputs, mode, work = sys.argv[1:5]
    inputs, work = os.path.abspath(inputs), os.path.abspath(work)
    torch.set_num_threads(int(os.environ.get('ORCA_THREADS', '2')))
    hyperparameters = json.load(open(os.path.join(inputs, f'hyperparameters-{mode}.json')))
    body = os.path.join(inputs, 'body')
    body_config = json.load(open(os.path.join(body, 'config.json')))
    src = os.path.join(checkout, 'src')
    for path in (os.path.join(src, 'otdd'), src):
        sys.path.insert(0, path)
    import transformers  # noqa: F401 -- before the stand-ins: it probes for timm and would find the stand-in
    install_stand_ins()
    import task_configs
    patch_task_configs(task_configs, inputs, hyperparameters['dataset'])
    load_embedder_module(src, body, body_config['hidden_size'], body_config['model_type'] != 'roberta')
    from attrdict import AttrDict
    import main as authors_main

    os.makedirs(work, exist_ok=True)
    os.chdir(work)  # their checkpoints go to ./results/<dataset>/<method>_<id>/<seed>
    began = time.time()
    authors_main.main(False, AttrDict(hyperparameters))
    seconds = time.time() - began
    results = os.path.join(work, 'results', hyperparameters['dataset'], 'all_0', str(hyperparameters['seed']))
    test_last, test_best = np.load(os.path.join(results, 'test_score.npy')).tolist()
    validation = np.load(os.path.join(results, 'train_score.npy')).tolist()
    alignment = np.load(os.path.join(results, 'embedder_stats.npy'), allow_pickle=True).tolist()
    print(json.dumps({'implementation': 'authors', 'mode': mode, 'seed': hyperparameters['seed'], 'test': test_best,
                      'testLastEpoch': test_last, 'validation': min(validation),
                      'evaluatedEpoch': last_best(validation), 'validationPerEpoch': validation,
                      'alignmentCurve': [s[0] for s in alignment] if alignment else [], 'seconds': seconds}))


if __name__ == '__main__':
    main()
