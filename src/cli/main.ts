console.log('loss-lens: placeholder');
