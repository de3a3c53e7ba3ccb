import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { Link } from './Link.js';

/** The nav's link to the phone simulator, shown only when the server runs in outbox (training) mode. */
export function SimulatorLink() {
  const [training, setTraining] = useState(false);
  useEffect(() => {
    api.smsProvider().then((provider) => setTraining(provider === 'outbox'), () => setTraining(false));
  }, []);
  return training ? <Link href="/simulator">{t('simulator')}</Link> : null;
}
